/** Another process leads this job now; whatever this one was about to write must not be written. */
export class LeaseLostError extends Error {
  readonly code = 'lease-lost';
  constructor(readonly leaseName: string) {
    super(`the lease ${leaseName} is no longer held by this process`);
    this.name = 'LeaseLostError';
  }
}
