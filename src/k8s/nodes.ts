/**
 * The node model, split by job:
 * - nodes-model.ts: reading a template's node restrictions and tolerations, and placing it on a node;
 * - nodes-describe.ts: human descriptions of requirements, taints and exclusion reasons;
 * - nodes-template.ts: what a template's restrictions say without an inventory;
 * - nodes-overlap.ts: whether two templates can share a node;
 * - nodes-pools.ts: nodes that no DaemonSet tells apart, grouped and named (imported directly);
 * - nodes-local-traffic.ts: node-local Services and the nodes where they have no endpoint (imported directly).
 * This module re-exports the first four.
 */
export * from './nodes-model.js';
export * from './nodes-describe.js';
export * from './nodes-template.js';
export * from './nodes-overlap.js';
