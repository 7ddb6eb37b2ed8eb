import { proxyActivities } from '@temporalio/workflow';

/** What the bare-engine bench row's worker runs: an activity that does nothing. */
export interface BareActivities {
  noop(step: string): Promise<void>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * The birth bundle's shape on the engine alone: one step, then two in parallel, each a no-op
 * activity. The bench's reference row: what Temporal itself does on this server.
 */
export async function bareBundle(): Promise<string> {
  await noop('register-birth');
  await Promise.all([noop('register-residence'), noop('issue-health-insurance-card')]);
  return 'result-returned';
}
