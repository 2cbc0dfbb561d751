/** A card's title as a heading under the page's h3, so that screen readers can jump between cards. */
export const CardTitle = ({ id, children }: { readonly id?: string; readonly children: string }) => (
  <h4 id={id} style={{ margin: 0, fontSize: 14, fontWeight: 600 }}>
    {children}
  </h4>
);
