// Electron's tray, notifications, power and login-item APIs behind the small interfaces tray.ts,
// notifications.ts, power.ts and login-item.ts use, so those hold no Electron and are tested under Node.
import path from 'node:path';
import { app, Menu, Notification, nativeImage, powerMonitor, powerSaveBlocker, Tray } from 'electron';
import type { LoginItemUi } from './login-item';
import type { NotifierUi } from './notifications';
import type { PowerUi } from './power';
import type { TrayUi } from './tray';

export function electronTray(iconDir: string): TrayUi {
  // macOS draws "…Template" images in the menu bar's own colour; @2x is picked up automatically.
  const file = process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
  const tray = new Tray(nativeImage.createFromPath(path.join(iconDir, file)));
  return {
    setMenu: (items) => {
      if (!tray.isDestroyed()) tray.setContextMenu(Menu.buildFromTemplate(items));
    },
    setToolTip: (text) => {
      if (!tray.isDestroyed()) tray.setToolTip(text);
    },
    onClick: (listener) => {
      // Windows and most Linux panels open the window on a click; macOS shows the menu instead.
      if (process.platform !== 'darwin') tray.on('click', listener);
    },
    destroy: () => {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}

export function electronNotifier(iconDir: string): NotifierUi {
  const icon = process.platform === 'darwin' ? undefined : path.join(iconDir, 'icon.png');
  return {
    supported: () => Notification.isSupported(),
    show(note, on) {
      const n = new Notification({ ...note, ...(icon ? { icon } : {}) });
      n.on('click', () => {
        on.click();
        on.gone();
      });
      n.on('close', on.gone);
      n.show();
      return { close: () => n.close() };
    },
  };
}

export const electronPower: PowerUi = {
  preventAppSuspension: () => powerSaveBlocker.start('prevent-app-suspension'),
  release: (id) => powerSaveBlocker.stop(id),
  onSleep(listener) {
    powerMonitor.on('suspend', listener);
    return () => powerMonitor.off('suspend', listener);
  },
  onWake(listener) {
    powerMonitor.on('resume', listener);
    return () => powerMonitor.off('resume', listener);
  },
};

/** The OS login item; a launch at login starts hidden in the tray (electron.ts reads --hidden). */
export const electronLoginItem: LoginItemUi = {
  set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin, args: ['--hidden'] }),
};
