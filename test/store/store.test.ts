import { describe } from 'node:test';
import { accessKeysContract } from './contract/access-keys.js';
import { accountsAndUsersContract } from './contract/accounts-and-users.js';
import { changeLogContract } from './contract/change-log.js';
import { policiesContract } from './contract/policies.js';
import { rolesAndCredentialsContract } from './contract/roles-and-credentials.js';
import { useDialects } from './support/dialects.js';

// The same suite, against every database the store supports.
for (const fixture of useDialects()) {
  describe(`store on ${fixture.name}`, () => {
    accountsAndUsersContract(fixture);
    accessKeysContract(fixture);
    rolesAndCredentialsContract(fixture);
    policiesContract(fixture);
    changeLogContract(fixture);
  });
}
