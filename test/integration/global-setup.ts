import { localAwsEnv, startMoto } from '../../local/moto';

/** Starts one moto_server for the integration suite; tests isolate by resource prefix. */
export default async function globalSetup(): Promise<void> {
  const moto = await startMoto({ reuseEnv: false });
  Object.assign(process.env, localAwsEnv(moto.endpoint));
  (globalThis as { __MOTO__?: typeof moto }).__MOTO__ = moto;
}
