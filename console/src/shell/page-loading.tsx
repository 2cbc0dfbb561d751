import { Spin } from 'antd';

export const PageLoading = () => (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin aria-label="Loading" />
  </div>
);
