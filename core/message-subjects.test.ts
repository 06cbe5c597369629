import { describe, expect, it } from 'vitest';
import { MESSAGE_SUBJECTS, subjectInMessage } from './message-subjects.ts';

describe('subjectInMessage', () => {
  it.each([
    [
      'Scheduled',
      'Successfully assigned default/web-5d5-a to node-1',
      '',
      { kind: 'Pod', name: 'web-5d5-a', namespace: 'default' },
    ],
    ['Scheduled', 'Successfully assigned web-5d5-a to node-1', 'Pod', { kind: 'Pod', name: 'web-5d5-a' }],
    ['NodeNotReady', 'Node worker-2 status is now: NodeNotReady', '', { kind: 'Node', name: 'worker-2' }],
    ['NodeReady', 'Node worker-2 status is now: NodeReady', 'Node', { kind: 'Node', name: 'worker-2' }],
    [
      'RegisteredNode',
      'Node worker-2 event: Registered Node worker-2 in Controller',
      '',
      { kind: 'Node', name: 'worker-2' },
    ],
    [
      'TaintManagerEviction',
      'Marking for deletion Pod default/web-5d5-a',
      '',
      { kind: 'Pod', name: 'web-5d5-a', namespace: 'default' },
    ],
  ])('%s "%s" (kind %j) names %j', (reason, message, kind, expected) => {
    expect(subjectInMessage(reason, message, kind)).toEqual(expected);
  });

  it.each([
    ['another reason', 'Pulled', 'Successfully assigned default/web-5d5-a to node-1', ''],
    ['another kind', 'Scheduled', 'Successfully assigned default/web-5d5-a to node-1', 'Node'],
    ['a Pod event of the node controller', 'NodeNotReady', 'Node is not ready', ''],
  ])('names nothing for %s', (_label, reason, message, kind) => {
    expect(subjectInMessage(reason, message, kind)).toBeUndefined();
  });

  it('has one entry per id', () => {
    expect(new Set(MESSAGE_SUBJECTS.map((m) => m.id)).size).toBe(MESSAGE_SUBJECTS.length);
  });
});
