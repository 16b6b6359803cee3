import type { RequestName } from '@parley/shared';
import type { Handler } from './context.ts';
import { sessionHandlers } from './session.ts';
import { roomHandlers } from './rooms.ts';
import { moderationHandlers } from './moderation.ts';
import { threadHandlers } from './threads.ts';

export type { HandlerDeps } from './context.ts';

/** Every request of the protocol has exactly one handler (checked by the compiler). */
export const handlers: { [K in RequestName]: Handler<K> } = { ...sessionHandlers, ...roomHandlers, ...moderationHandlers, ...threadHandlers };
