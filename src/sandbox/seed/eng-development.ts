import { API_REFERENCE_TITLE, apiReferenceBody } from './eng-api-reference.js';
import {
  anchor,
  anchorLink,
  attachmentLink,
  code,
  expand,
  mention,
  pageLink,
  panel,
  status,
  toc,
} from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

const styleGuide = `${toc(3)}
<h1>API style guide</h1>
<p>Rules for every HTTP API we build, public or internal. Editing is limited to the API guild leads; propose changes in a comment or in <code>#api-guild</code>. Maintainer: ${mention(ID.jonas)}.</p>
<h2>1. Resources and URLs</h2>
<ul><li><p>Plural nouns, kebab-case: <code>/v3/charging-sessions</code>, <u>not</u> <code>/v3/chargingSession</code>.</p></li>
<li><p>At most one level of nesting: <code>/v3/sites/{id}/robots</code> is fine; <s><code>/v3/sites/{id}/robots/{rid}/missions</code></s> is not.</p></li>
<li><p>Actions that are not CRUD are sub-resources with a verb: <code>POST /v3/missions/{id}/cancel</code>.</p></li></ul>
<h2>2. Fields</h2>
<ol><li><p><code>snake_case</code> in JSON.</p></li>
<li><p>Timestamps are RFC&nbsp;3339 in UTC with <code>Z</code>; names end in <code>_at</code>.</p></li>
<li><p>Units in the name when not obvious: <code>speed_limit_mps</code>, <code>energy_wh</code>.</p>
<ol><li><p>ratios are 0&ndash;1, never percentages</p></li><li><p>money is an integer in minor units plus <code>currency</code></p></li></ol></li>
<li><p>Enums are lowercase strings; clients must tolerate unknown values.</p></li></ol>
<h2>3. Errors</h2>
${code(
  'json',
  `{
  "error": {
    "code": "unprocessable",
    "message": "robot AR9-00421 is charging and cannot start a mission",
    "request_id": "req_01HRB9C4Y7",
    "errors": [{ "field": "robot_id", "reason": "robot_unavailable" }]
  }
}`,
  { title: 'Error body' },
)}
${code(
  'typescript',
  `import type { FastifyReply } from 'fastify';

/** Maps a domain error to the public error body; never leaks stack traces. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const requestId = reply.request.id;
  if (status >= 500 && status < 600) {
    reply.log.error({ code, requestId }, message);
    message = 'Internal error; quote the request id when contacting support';
  }
  return reply.status(status).send({ error: { code, message, request_id: requestId } });
}`,
  { title: 'errors.ts', linenumbers: true },
)}
<h2>4. Versioning</h2>
<p>Breaking changes need a new major version (<code>/v4</code>) and a ${status('Yellow', 'deprecation')} period of at least 9 months. Additive changes are not breaking. See ${pageLink('ADR-024: Retire the v2 Fleet API by 2026-Q3')}.</p>
<h2>5. Pagination, idempotency, rate limits</h2>
<p>Follow ${pageLink('ADR-014: Cursor-based pagination in public APIs')}, ${pageLink('ADR-015: Idempotency keys on mutating endpoints')} and ${pageLink('ADR-028: Per-tenant rate limiting at the edge')}. The generated ${pageLink(API_REFERENCE_TITLE)} shows all three in practice.</p>
<p>Further reading: <a href="https://google.aip.dev/">Google AIP</a>, <a href="https://opensource.zalando.com/restful-api-guidelines/">Zalando RESTful API guidelines</a>.</p>`;

const deployV1 = `<h1>Deployment guide</h1><p>Run <code>./deploy.sh prod &lt;service&gt;</code> from the Jenkins box. Ask ${mention(ID.daniel)} for access.</p>`;
const deployV2 = `<h1>Deployment guide</h1><p>We deploy with Argo CD (${pageLink('ADR-010: GitOps deployments with Argo CD')}). CI opens a pull request against <code>acme/deployments</code>; merging it deploys.</p>${code('bash', 'gh pr list --repo acme-robotics/deployments --author app/acme-deploy-bot')}`;

const deployGuide = `${toc(2)}
<h1>Deployment guide</h1>
<p>How code gets from a merged pull request to production. Summary: <strong>CI builds, the deploy bot proposes, Argo CD applies</strong>.
Background: ${pageLink('ADR-010: GitOps deployments with Argo CD')}.</p>
<h2>Environments</h2>
<table data-layout="default"><tbody><tr><th><p>Environment</p></th><th><p>Clusters</p></th><th><p>Deploys</p></th><th><p>Approval</p></th></tr>
<tr><td><p>dev</p></td><td><p><code>eks-dev-euw2</code></p></td><td><p>every merge to <code>main</code></p></td><td><p>none</p></td></tr>
<tr><td><p>staging</p></td><td><p><code>eks-stg-euw2</code>, <code>eks-stg-use1</code></p></td><td><p>every merge, after dev is healthy</p></td><td><p>none</p></td></tr>
<tr><td><p>production</p></td><td><p><code>eks-prd-euw2</code>, <code>eks-prd-use1</code></p></td><td><p>Tue&ndash;Thu 09:00&ndash;16:00 UK</p></td><td><p>release manager (group <code>release-managers</code>)</p></td></tr></tbody></table>
<h2>${anchor('manifest')}The service manifest</h2>
<p>Each service has an Argo CD <code>Application</code> per cluster, generated from <code>service.yaml</code>:</p>
${code(
  'yaml',
  `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: mission-api-prd-euw2
  namespace: argocd
  labels:
    acme.io/team: fleet-ops
    acme.io/tier: "1"
spec:
  project: production
  source:
    repoURL: https://github.com/acme-robotics/deployments
    targetRevision: main
    path: services/mission-api/overlays/prd-euw2
  destination:
    server: https://kubernetes.default.svc
    namespace: missions
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=false
      - RespectIgnoreDifferences=true

  # Replicas are owned by the HPA, not by Git
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers:
        - /spec/replicas`,
  { title: 'services/mission-api/argocd/prd-euw2.yaml', linenumbers: true },
)}
<h2>Deploying to production</h2>
<ol><li><p>Check the change is on staging and healthy for at least 30 minutes.</p></li>
<li><p>Promote the image tag:</p>
${code(
  'bash',
  `#!/usr/bin/env bash
set -euo pipefail

SERVICE="\${1:?usage: promote.sh <service> <tag>}"
TAG="\${2:?usage: promote.sh <service> <tag>}"

for overlay in prd-euw2 prd-use1; do
  file="services/\${SERVICE}/overlays/\${overlay}/kustomization.yaml"
  yq -i ".images[0].newTag = \\"\${TAG}\\"" "$file"
done

git switch -c "promote/\${SERVICE}-\${TAG}"
git commit -am "Promote \${SERVICE} to \${TAG} in production" && git push -u origin HEAD
gh pr create --fill --label production --reviewer acme-robotics/release-managers 2>&1 | tee /tmp/pr.log`,
  { title: 'scripts/promote.sh' },
)}</li>
<li><p>A release manager approves; merging triggers Argo CD. Watch the rollout:</p>
${code('bash', 'argocd app wait mission-api-prd-euw2 --health --timeout 600 && argocd app wait mission-api-prd-use1 --health --timeout 600')}</li></ol>
<h2>${anchor('rollback')}Rolling back</h2>
<p>Revert the promotion pull request. Argo CD syncs within 3 minutes; use <code>argocd app sync --prune</code> to force it.</p>
${panel('warning', `<p>Database migrations are <strong>not</strong> rolled back by reverting. Migrations must be backwards compatible for one release (expand, then contract). See ${pageLink('Database conventions')}.</p>`, 'Migrations')}
<p>Shortcuts: ${anchorLink('manifest', 'manifest format')} &middot; ${anchorLink('rollback', 'rollback')} &middot; ${attachmentLink('deploy-pipeline.pdf', 'pipeline diagram (PDF)')}</p>`;

const localSetup = `<h1>Local development setup</h1>
<p>Tested on macOS 15 (Apple silicon) and Ubuntu 24.04. Windows: use WSL&nbsp;2. Takes about 30 minutes.</p>
<h2>Tools</h2>
${code(
  'bash',
  `# macOS
brew install mise pnpm kubectl helm kind jq yq gh awscli
mise install          # reads .mise.toml: node 22, go 1.23, python 3.12, rust 1.83

# Check versions
node --version && go version && python3 --version`,
  { title: 'Install tools' },
)}
<h2>Run the platform locally</h2>
${code(
  'bash',
  `git clone git@github.com:acme-robotics/platform.git && cd platform
pnpm install
docker compose -f dev/compose.yaml up -d kafka postgres redis temporal
pnpm nx run-many -t serve -p mission-api telemetry-ingest console --parallel=3`,
)}
<p>The console is at <a href="http://localhost:4200">http://localhost:4200</a>; log in as <code>dev@acme.local</code> / <code>dev</code>.</p>
<h2>Simulated robots</h2>
<p>The simulator publishes fake telemetry for a small warehouse (10 robots):</p>
${code(
  'python',
  `#!/usr/bin/env python3
"""Publish simulated telemetry for N robots to the local MQTT broker."""
import json
import math
import time

import paho.mqtt.client as mqtt

ROBOTS = [f"SIM-{i:05d}" for i in range(10)]


def frame(robot_id: str, t: float) -> dict:
    angle = t / 10 + hash(robot_id) % 360
    return {
        "robotId": robot_id,
        "pose": {"x": 20 * math.cos(angle), "y": 20 * math.sin(angle), "theta": angle % (2 * math.pi)},
        "battery": {"soc": max(0.05, 1 - t / 36_000), "charging": False},
    }


def main() -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("localhost", 1883)
    start = time.time()
    while True:
        t = time.time() - start
        for robot_id in ROBOTS:
            client.publish(f"fleet/{robot_id}/telemetry", json.dumps(frame(robot_id, t)), qos=1)
        time.sleep(0.1)


if __name__ == "__main__":
    main()`,
  { title: 'dev/simulate.py', linenumbers: true },
)}
${expand('Troubleshooting', `<ul><li><p><strong>Port 5432 in use</strong>: stop your local Postgres (<code>brew services stop postgresql@16</code>).</p></li><li><p><strong>Kafka never gets healthy on Apple silicon</strong>: give Docker at least 8&nbsp;GB of RAM.</p></li><li><p><strong>pnpm install fails with EACCES</strong>: don&rsquo;t use <code>sudo</code>; fix ownership of <code>~/.local/share/pnpm</code>.</p></li></ul>`)}`;

const dbConventions = `<h1>Database conventions</h1>
<p>Postgres 16 everywhere (RDS, Aurora for tier 1). One database per service (${pageLink('ADR-018: One Postgres database per service')}).</p>
<h2>Naming</h2>
<ul><li><p>Tables singular, snake_case: <code>mission_stop</code>.</p></li><li><p>Primary keys: <code>id</code> (uuid v7 or text ids like <code>msn_...</code>).</p></li><li><p>Timestamps: <code>timestamptz</code>, never <code>timestamp</code>.</p></li></ul>
<h2>Migrations</h2>
<p>TypeScript services use node-pg-migrate; the one JVM service (<code>search-indexer</code>) uses Flyway:</p>
${code(
  'java',
  `package com.acmerobotics.search.db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import java.sql.Statement;

/** Adds the site_id column in two steps so old pods keep working (expand, then contract). */
public class V42__AddSiteIdToDocument extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement st = context.getConnection().createStatement()) {
            st.execute("ALTER TABLE document ADD COLUMN IF NOT EXISTS site_id text");
            // Backfill in batches; a single UPDATE would lock the table for minutes
            int updated;
            do {
                updated = st.executeUpdate(
                    "UPDATE document SET site_id = legacy_site WHERE id IN "
                        + "(SELECT id FROM document WHERE site_id IS NULL LIMIT 5000)");
            } while (updated > 0 && updated <= 5000);
        }
    }
}`,
  { title: 'V42__AddSiteIdToDocument.java' },
)}
<h2>${anchor('locks')}Locks and long queries</h2>
${code(
  'sql',
  `-- Who is blocking whom?
SELECT blocked.pid        AS blocked_pid,
       blocking.pid       AS blocking_pid,
       now() - blocked.query_start AS waiting_for,
       left(blocked.query, 80)     AS blocked_query
FROM pg_stat_activity AS blocked
JOIN pg_stat_activity AS blocking
  ON blocking.pid = ANY (pg_blocking_pids(blocked.pid))
WHERE blocked.wait_event_type = 'Lock'
  AND now() - blocked.query_start > interval '30 seconds'
ORDER BY waiting_for DESC;`,
  { title: 'Blocking queries' },
)}
${panel('tip', "<p>Set <code>lock_timeout = '5s'</code> in every migration. A migration that waits for a lock blocks every query queued behind it.</p>")}`;

/** The Development section: guides and the generated API reference. */
export const developmentPage: SeedPage = {
  title: 'Development',
  authorId: ID.jonas,
  createdAt: '2025-03-10T09:00:00Z',
  labels: ['development'],
  body: `<p>Guides for building and shipping services.</p><ac:structured-macro ac:name="children" ac:schema-version="2" />`,
  children: [
    {
      title: 'API style guide',
      authorId: ID.jonas,
      createdAt: '2025-03-11T10:00:00Z',
      labels: ['api', 'style-guide', 'guidelines'],
      editRestriction: { users: [ID.jonas] },
      body: styleGuide,
    },
    {
      title: 'Deployment guide',
      authorId: ID.daniel,
      createdAt: '2025-03-12T14:00:00Z',
      labels: ['deployment', 'argocd', 'kubernetes'],
      history: [
        { body: deployV1, message: 'Jenkins-era instructions' },
        { body: deployV2, message: 'Rewrite for Argo CD', authorId: ID.priya },
        { body: deployV2.replace('CI opens', 'The deploy bot opens'), message: 'Typo', minorEdit: true },
      ],
      body: deployGuide,
    },
    {
      title: 'Local development setup',
      authorId: ID.priya,
      createdAt: '2025-03-18T09:30:00Z',
      labels: ['onboarding', 'development', 'howto'],
      body: localSetup,
    },
    {
      title: 'Database conventions',
      authorId: ID.olu,
      createdAt: '2025-04-01T11:00:00Z',
      labels: ['database', 'postgres', 'guidelines'],
      body: dbConventions,
    },
    {
      title: API_REFERENCE_TITLE,
      authorId: ID.deployBot,
      createdAt: '2025-06-05T06:00:00Z',
      labels: ['api', 'reference', 'generated'],
      body: apiReferenceBody,
    },
  ],
};
