/** Alibaba's date format in responses: UTC to the second, `2020-10-15T08:08:54Z`. */
export function alibabaDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
