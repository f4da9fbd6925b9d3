/** Prometheus text from `url` read with `token`: the sum of the samples of `name` whose labels include `labels`. */
export async function scrape(url: string, token: string) {
  const answer = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}: ${await answer.text()}`);
  const text = await answer.text();
  return {
    text,
    value(name: string, labels: Record<string, string> = {}): number {
      let sum = 0;
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const set = match[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(match[3]);
      }
      return sum;
    },
  };
}
