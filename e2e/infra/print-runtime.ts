// Prints the e2e runtime this machine gets (`local` or `containers`), for shell scripts such as .ci/run.
import { detectRuntime } from './detect-runtime.ts';

console.log(await detectRuntime());
