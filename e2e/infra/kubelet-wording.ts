import { readFile } from 'node:fs/promises';

/**
 * The messages of the kubelet events that kwok-stages.yaml imitates, per Kubernetes minor, read from
 * the kubelet source of each release (pkg/kubelet/images/image_manager.go,
 * pkg/kubelet/kuberuntime/kuberuntime_container.go). Each value is a kwok template expression for
 * the `message:` field; `$c` is the pod's first container. Pulling, Failed, BackOff and Killing
 * (`Stopping container <name>`) read the same in every minor listed here.
 */
export interface KubeletWording {
  readonly pulled: string;
  readonly created: string;
  readonly started: string;
}

const createdStartedBefore132: Pick<KubeletWording, 'created' | 'started'> = {
  created: '{{ printf "Created container %s" $c.name | Quote }}',
  started: '{{ printf "Started container %s" $c.name | Quote }}',
};

/** What kwok-stages.yaml itself says: the wording of the pinned control plane (v1.36). */
export const pinnedWording: KubeletWording = {
  pulled:
    '{{ printf "Successfully pulled image %q in 1.042s (1.042s including waiting). Image size: 72195292 bytes." $c.image | Quote }}',
  created: 'Container created',
  started: 'Container started',
};

const byMinor: Readonly<Record<string, KubeletWording>> = {
  // v1.22.16: `Successfully pulled image %q in %v`, `Created container %s`, `Started container %s`.
  '1.22': {
    pulled: '{{ printf "Successfully pulled image %q in 1.042s" $c.image | Quote }}',
    ...createdStartedBefore132,
  },
  // v1.27.16: the pull duration `(%v including waiting)` is new; no image size yet.
  '1.27': {
    pulled: '{{ printf "Successfully pulled image %q in 1.042s (1.042s including waiting)" $c.image | Quote }}',
    ...createdStartedBefore132,
  },
  '1.36': pinnedWording,
};

/** The kubelet wording of a control-plane version such as `v1.27.16`; an unknown minor is an error, not a guess. */
export function kubeletWordingFor(kubeVersion: string): KubeletWording {
  const minor = /^v?(\d+\.\d+)\./.exec(kubeVersion)?.[1];
  const wording = minor === undefined ? undefined : byMinor[minor];
  if (wording === undefined) {
    throw new Error(
      `no kubelet event wording for Kubernetes ${kubeVersion}: add its minor to e2e/infra/kubelet-wording.ts from that release's kubelet source (known: ${Object.keys(byMinor).join(', ')})`,
    );
  }
  return wording;
}

/** kwok-stages.yaml with the kubelet messages of the given version (the text itself for the pinned one). */
export async function kwokStagesFor(stagesPath: string, kubeVersion: string): Promise<string> {
  const text = await readFile(stagesPath, 'utf8');
  const wording = kubeletWordingFor(kubeVersion);
  let out = text;
  for (const key of ['pulled', 'created', 'started'] as const) {
    const line = `message: ${pinnedWording[key]}`;
    const occurrences = out.split(line).length - 1;
    if (occurrences !== 1)
      throw new Error(`${stagesPath}: expected the line '${line}' once, found it ${occurrences} times`);
    out = out.replace(line, `message: ${wording[key]}`);
  }
  return out;
}
