// Nothing global yet beyond a sanity check: the suites need Node >= 22.12 (better-sqlite3 13).
export default function setup() {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major < 22 || (major === 22 && minor < 12)) {
    throw new Error(`Node ${process.versions.node} is too old: Campaign Tray needs Node >= 22.12 (see .nvmrc).`);
  }
}
