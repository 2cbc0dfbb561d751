/**
 * Real nginx (`auth_request`, the configuration docs/forward-auth.md documents) in front of a
 * service, asking a real `keyfence serve`; requests signed by the official Alibaba SDK.
 */
import { forwardAuthScenario } from './support/forward-auth-scenario.js';
import { startNginx } from './support/gateways.js';

forwardAuthScenario('nginx', startNginx);
