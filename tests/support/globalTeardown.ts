export default async function globalTeardown(): Promise<void> {
  const container = (
    globalThis as { __obligationsPostgresContainer?: { stop(): Promise<unknown> } }
  ).__obligationsPostgresContainer;
  await container?.stop();
}
