// A dispatcher in a process of its own (DATABASE_URL from the environment), for the test
// that kills one mid-delivery. Prints "ready" once its first round has started.
import { startDispatcher } from '../../jobs/alerts-dispatcher.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';

const config = loadConfig();
const store = await openStore(config.store, { migrate: false, poolSize: 2 });
startDispatcher({ store, config: config.alerts, worker: `child:${process.pid}`, everyMs: 200 });
process.stdout.write('ready\n');
