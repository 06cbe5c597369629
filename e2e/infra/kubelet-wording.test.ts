import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kwokStagesPath } from './kwok-cluster.ts';
import { kubeletWordingFor, kwokStagesFor } from './kubelet-wording.ts';

/** The `message:` line of the event template with this reason, in the stages text. */
function messageOf(stagesText: string, reason: string): string | undefined {
  for (const doc of parseAllDocuments(stagesText)) {
    const steps = (doc.toJS() as { spec?: { steps?: { apply?: { template: string } }[] } }).spec?.steps ?? [];
    for (const step of steps) {
      const t = step.apply?.template ?? '';
      if (new RegExp(`^reason: ${reason}$`, 'm').test(t)) return /^message: (.*)$/m.exec(t)?.[1];
    }
  }
  return undefined;
}

describe('kubelet wording per control-plane version', () => {
  it('the pinned version gets kwok-stages.yaml unchanged', async () => {
    expect(await kwokStagesFor(kwokStagesPath, 'v1.36.1')).toBe(await readFile(kwokStagesPath, 'utf8'));
  });

  it.each([
    ['v1.22.16', 'Successfully pulled image %q in 1.042s"', 'Created container %s', 'Started container %s'],
    ['v1.27.16', 'in 1.042s (1.042s including waiting)"', 'Created container %s', 'Started container %s'],
    ['v1.36.1', 'Image size: 72195292 bytes."', 'Container created', 'Container started'],
  ])('%s: Pulled, Created, Started as its kubelet words them', async (version, pulled, created, started) => {
    const text = await kwokStagesFor(kwokStagesPath, version);
    expect(messageOf(text, 'Pulled')).toContain(pulled);
    expect(messageOf(text, 'Created')).toContain(created);
    expect(messageOf(text, 'Started')).toContain(started);
    // Unchanged across these releases.
    expect(messageOf(text, 'Killing')).toContain('Stopping container %s');
    expect(messageOf(text, 'Pulling')).toContain('Pulling image %q');
  });

  it('refuses a minor it has no wording for, rather than guessing', () => {
    expect(() => kubeletWordingFor('v1.19.0')).toThrow(/no kubelet event wording for Kubernetes v1.19.0/);
    expect(() => kubeletWordingFor('nonsense')).toThrow(/no kubelet event wording/);
  });
});
