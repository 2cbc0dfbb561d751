import { Drawer } from 'antd';
import type { PanelRequest } from './policy-scope';

// Placeholder until the Network Access Control panel is built (issue 17).
export default function PolicyPanel({ request, onClose }: { request: PanelRequest; onClose: () => void }) {
  return (
    <Drawer open width={720} onClose={onClose} title="Network Access Control">
      {request.scope.kind}
    </Drawer>
  );
}
