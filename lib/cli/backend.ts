import { describeBackend, initBackend } from '../backend';

/** `npm run backend`: start the backend the library would pick (or GAN_BACKEND's) and say what runs. */
async function main(): Promise<void> {
  const info = await initBackend();
  console.log(describeBackend(info));
  process.exit(0);
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
