/**
 * Real Caddy (`forward_auth`, the configuration docs/forward-auth.md documents) in front of a
 * service, asking a real `keyfence serve`; requests signed by the official Alibaba SDK.
 */
import { forwardAuthScenario } from './support/forward-auth-scenario.js';
import { startCaddy } from './support/gateways.js';

forwardAuthScenario('caddy', startCaddy);
