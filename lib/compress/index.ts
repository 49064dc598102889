export { magnitudePrune } from './prune';
export { distillGenerator, type DistillOptions } from './distill';
