import { lazyScreen } from '../components/lazyScreen.tsx';

/**
 * The session code (mediasoup-client, socket.io) is the heaviest part of the app. It loads in its
 * own chunk so the welcome and agreement pages appear quickly on a slow phone; `preloadSession()`
 * fetches it in the background while the person reads.
 */
const session = lazyScreen(async () => (await import('./SessionFlow.tsx')).SessionFlow, { narrow: true });

export const SessionFlow = session.Screen;
export const preloadSession = session.preload;
