import { Alert, Drawer, Spin } from 'antd';
import { useState } from 'react';
import { useSession } from '../session/session-context';
import { PanelEditor } from './panel-editor';
import { PanelTheme } from './panel-theme';
import { panelTitle } from './panel-title';
import type { PanelRequest } from './policy-scope';
import { usePanelData } from './use-panel-data';

/**
 * The Network Access Control drawer, for the account's policy or one AccessKey's: reads the
 * stored policy and what goes with it, then hands over to the editor.
 */
export default function PolicyPanel({ request, onClose }: { request: PanelRequest; onClose: () => void }) {
  const session = useSession();
  const { state, reload } = usePanelData(request.scope, session);
  const [splitView, setSplitView] = useState(false);
  if (state.status === 'ready') {
    return (
      <PanelTheme>
        <PanelEditor
          request={request}
          session={session}
          data={state.data}
          splitView={splitView}
          onSplitView={() => setSplitView(true)}
          onClose={onClose}
          onReload={reload}
        />
      </PanelTheme>
    );
  }
  return (
    <PanelTheme>
      <Drawer open size={720} title={panelTitle(request)} onClose={onClose}>
        {state.status === 'loading' ? (
          <Spin description="Reading the policy…" />
        ) : (
          <Alert type="error" showIcon title={`${state.error.message} (${state.error.code})`} />
        )}
      </Drawer>
    </PanelTheme>
  );
}
