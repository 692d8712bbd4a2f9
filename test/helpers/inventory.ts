import { dirname } from 'node:path';
import { loadInventory } from '../../src/load/inventory.js';
import type { NodeInfo } from '../../src/types.js';

/** Loads a fixture case's node inventory with the real loader (throws InventoryError on a broken fixture). */
export function loadFixtureInventory(file: string): NodeInfo[] | undefined {
  return loadInventory([file], dirname(file));
}
