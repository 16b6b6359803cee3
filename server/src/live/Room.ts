import { JOINT_ROOM, type RoomInfo } from '@parley/shared';

export interface RoomTimer {
  endsAt: number;
  warnSeconds: number;
  warnHandle: NodeJS.Timeout | undefined;
  endHandle: NodeJS.Timeout;
}

/**
 * A live room: the joint room or a caucus. Holds what everyone in it shares: who controls the
 * stage, what is on it, the share policy and the countdown. Occupancy lives on the members.
 */
export class Room {
  readonly id: string;
  name: string;
  readonly kind: 'joint' | 'caucus';
  controllerId: string | null;
  stageProducerId: string | null = null;
  allowMultipleShares = false;
  timer: RoomTimer | undefined;

  constructor(id: string, name: string, defaultControllerId: string | null) {
    this.id = id;
    this.name = name;
    this.kind = id === JOINT_ROOM ? 'joint' : 'caucus';
    this.controllerId = defaultControllerId;
  }

  info(): RoomInfo {
    return {
      id: this.id as RoomInfo['id'],
      name: this.name,
      kind: this.kind,
      controllerId: this.controllerId,
      stageProducerId: this.stageProducerId,
      allowMultipleShares: this.allowMultipleShares,
      timer: this.timer ? { endsAt: new Date(this.timer.endsAt).toISOString(), warnSeconds: this.timer.warnSeconds } : null,
    };
  }

  clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer.endHandle);
    if (this.timer.warnHandle) clearTimeout(this.timer.warnHandle);
    this.timer = undefined;
  }
}
