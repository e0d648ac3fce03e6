// 同步 and 变更历史: one typed wrapper per command of docs/ipc.md, section
// "Sync". Bundles are named by their plain file name in the folder of saved
// files; the rules of sync are the core's.

import { Channel } from '@tauri-apps/api/core';

import type { BundleInfo } from '../bindings/BundleInfo';
import type { ConflictView } from '../bindings/ConflictView';
import type { DeviceInfo } from '../bindings/DeviceInfo';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { Peer } from '../bindings/Peer';
import type { Progress } from '../bindings/Progress';
import type { SavedFile } from '../bindings/SavedFile';
import type { SyncExportFile } from '../bindings/SyncExportFile';
import type { SyncFolder } from '../bindings/SyncFolder';
import type { SyncReport } from '../bindings/SyncReport';
import type { SyncScope } from '../bindings/SyncScope';
import { invoke } from './invoke';

export function deviceShow(): Promise<DeviceInfo> {
  return invoke<DeviceInfo>('device_show');
}

export function deviceNameSet(name: string): Promise<DeviceInfo> {
  return invoke<DeviceInfo>('device_name_set', { name });
}

/** The devices whose bundles this one accepts. */
export function devicePeers(): Promise<Peer[]> {
  return invoke<Peer[]>('device_peers');
}

export function syncExport(scope: SyncScope): Promise<SyncExportFile> {
  return invoke<SyncExportFile>('sync_export', { scope });
}

/** The `.qingdan` files of the folder of saved files, newest first, each checked but not imported. */
export function syncFiles(): Promise<SyncFolder> {
  return invoke<SyncFolder>('sync_files');
}

/**
 * 添加其他位置的文件: the system's open dialog; the chosen `.qingdan` files are
 * copied into the folder. Resolves to their names there (empty if cancelled).
 */
export function syncReceiveFiles(): Promise<string[]> {
  return invoke<string[]>('sync_receive_files');
}

export function syncPeek(name: string): Promise<BundleInfo> {
  return invoke<BundleInfo>('sync_peek', { name });
}

/**
 * Imports one bundle of the folder; `onProgress` hears how far it is.
 * `trustFingerprint` trusts a device seen for the first time, and only if the
 * file still carries that fingerprint; without it such a file rejects with
 * `untrusted_device`. `supervisor` names that device 督查组: its team roster
 * (组员名单) is taken, and its members' changes are accepted when relayed.
 */
export function syncImport(
  name: string,
  onProgress: (p: Progress) => void,
  trustFingerprint?: string,
  supervisor = false,
): Promise<SyncReport> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return invoke<SyncReport>('sync_import', {
    name,
    onProgress: channel,
    ...(trustFingerprint ? { trustFingerprint, supervisor } : {}),
  });
}

export function conflictList(): Promise<ConflictView[]> {
  return invoke<ConflictView[]>('conflict_list');
}

/** Keeps one value (`keep` = its `op_id`); answers the conflicts still open. */
export function conflictResolve(table: string, row: string, field: string, keep: string): Promise<ConflictView[]> {
  return invoke<ConflictView[]>('conflict_resolve', { table, row, field, keep });
}

/** The 变更历史 of one record, oldest first. */
export function historyList(table: string, rowId: string): Promise<HistoryEntry[]> {
  return invoke<HistoryEntry[]>('history_list', { table, rowId });
}

export function historyExport(table: string, rowId: string): Promise<SavedFile> {
  return invoke<SavedFile>('history_export', { table, rowId });
}
