import type { KubeEvent, ObjectReference } from '../core/index.ts';
import type { Happening } from './story.ts';

/**
 * How an Event's subject reaches kspan incomplete, after the shapes real clusters deliver:
 * - `kind`: the reference has a name and uid but no kind (an OpenShift operator's `OperatorVersionChanged`);
 * - `name`: a kind and nothing else (client-go's LeaseLock.RecordEvent before the Lease was fetched);
 * - `subject`: an empty involvedObject (OpenShift's cluster-bootstrap `bootstrap-success`).
 */
export type SubjectFault = 'kind' | 'name' | 'subject';

const FAULTS: readonly SubjectFault[] = ['kind', 'name', 'subject'];

/** A number in [0, 1) from a string (FNV-1a, then mixed): the same Event always draws the same. */
function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/**
 * The Events (by uid) whose subject is delivered incomplete, and how: a share `rate` of them, chosen by their
 * uid (every occurrence of one Event alike; the same for any delivery order or jitter of the story).
 */
export function subjectFaults(happenings: readonly Happening[], rate: number): Map<string, SubjectFault> {
  const out = new Map<string, SubjectFault>();
  if (rate <= 0) return out;
  for (const h of happenings) {
    const uid = h.type === 'event' ? h.event.metadata?.uid : undefined;
    if (uid === undefined || out.has(uid) || draw(`incomplete:${uid}`) >= rate) continue;
    out.set(uid, FAULTS[Math.floor(draw(`how:${uid}`) * FAULTS.length)] as SubjectFault);
  }
  return out;
}

/** The Event with its involvedObject / regarding made incomplete as `fault` says. */
export function withIncompleteSubject(event: KubeEvent, fault: SubjectFault): KubeEvent {
  const key = 'regarding' in event && event.regarding !== undefined ? 'regarding' : 'involvedObject';
  const ref = (event as { [k: string]: ObjectReference | undefined })[key] ?? {};
  const incomplete: ObjectReference =
    fault === 'subject'
      ? {}
      : fault === 'kind'
        ? {
            ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
            ...(ref.name === undefined ? {} : { name: ref.name }),
            ...(ref.uid === undefined ? {} : { uid: ref.uid }),
          }
        : {
            ...(ref.kind === undefined ? {} : { kind: ref.kind }),
            ...(ref.apiVersion === undefined ? {} : { apiVersion: ref.apiVersion }),
          };
  return { ...event, [key]: incomplete };
}
