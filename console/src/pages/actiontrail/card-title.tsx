/** A card's title as a heading under the page's h3, so that screen readers can jump between cards. */
export const CardTitle = ({ children }: { readonly children: string }) => (
  <h4 style={{ margin: 0, fontSize: 14, fontWeight: 600 }}>{children}</h4>
);
