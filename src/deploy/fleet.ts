/** The fleet runner: every job, at most `parallel` at a time, each reported as soon as it finishes. */
export async function runFleet<J, R>(
  jobs: readonly J[],
  parallel: number,
  run: (job: J) => Promise<R>,
  finished: (result: R, job: J) => void,
): Promise<R[]> {
  const results: R[] = new Array<R>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      results[index] = await run(job);
      finished(results[index]!, job);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}
