import type { CreatedAccessKey } from './access-key-types';

/** The CSV Alibaba's console offers for a new key: a header row and the pair, nothing else. */
export const accessKeyCsv = (key: CreatedAccessKey): string =>
  `AccessKey ID,AccessKey Secret\r\n${key.AccessKeyId},${key.AccessKeySecret}\r\n`;

/** Saves the pair as a file without sending it anywhere: a Blob URL, revoked once clicked. */
export const downloadAccessKeyCsv = (key: CreatedAccessKey): void => {
  const url = URL.createObjectURL(new Blob([accessKeyCsv(key)], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `AccessKey-${key.AccessKeyId}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
};
