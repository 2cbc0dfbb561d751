import { KeyFenceError } from '../../common/keyfence-error.js';
import { PRODUCTS, type Product } from '../../request/product.js';
import type { ActionDefinition } from './action.js';

/** The actions the endpoint routes to, by product and action name. */
export class ActionRegistry {
  readonly #byProduct = new Map<Product, Map<string, ActionDefinition>>();

  /** Refuses a product KeyFence does not serve and an action defined twice: both are programming errors. */
  constructor(actions: readonly ActionDefinition[]) {
    for (const action of actions) {
      if (!Object.hasOwn(PRODUCTS, action.product)) {
        throw new KeyFenceError(
          'Server.InvalidAction',
          `action ${action.name} has unknown product ${action.product}`,
        );
      }
      let byName = this.#byProduct.get(action.product);
      if (byName === undefined) {
        byName = new Map();
        this.#byProduct.set(action.product, byName);
      }
      if (byName.has(action.name)) {
        throw new KeyFenceError(
          'Server.InvalidAction',
          `action ${action.product}:${action.name} is defined twice`,
        );
      }
      byName.set(action.name, action);
    }
  }

  find(product: Product, name: string): ActionDefinition | undefined {
    return this.#byProduct.get(product)?.get(name);
  }

  /** Every RAM action some registered action is authorized by (`ram:ListUsers`…), each once, sorted. */
  ramActions(): string[] {
    const names = new Set<string>();
    for (const byName of this.#byProduct.values()) {
      for (const action of byName.values()) if (action.ramAction !== null) names.add(action.ramAction);
    }
    return [...names].sort();
  }
}
