import { Result } from 'antd';

/** A page reached by URL that the caller may not use: say which action is missing. */
export const NoPermission = ({ action }: { readonly action: string }) => (
  <Result
    status="403"
    title="NoPermission"
    subTitle={
      action === 'root'
        ? 'Only the root identity of this account can open this page.'
        : `You are not allowed to call ${action}: ask an administrator to attach a policy that allows it.`
    }
  />
);
