import { generatePassword } from './generate-password';
import type { PasswordValues } from './password-form-items';

/** The password to send (undefined: keep the current one) and whether the reader must be shown it. */
export const resolvePassword = (values: PasswordValues): { password?: string; generated: boolean } => {
  switch (values.passwordMode) {
    case 'keep':
      return { generated: false };
    case 'generated':
      return { password: generatePassword(), generated: true };
    case 'custom':
      return { password: values.password ?? '', generated: false };
  }
};
