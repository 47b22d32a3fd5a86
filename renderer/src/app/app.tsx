// The shell: header, banners and the screen the route names.
import { AccountsScreen } from '../features/accounts/accounts-screen';
import { ActivityScreen } from '../features/activity/activity-screen';
import { CampaignView } from '../features/campaigns/campaign-view';
import { CampaignsList } from '../features/campaigns/campaigns-list';
import { OutboxScreen } from '../features/outbox/outbox-screen';
import { SettingsScreen } from '../features/settings/settings-screen';
import { SuppressionsScreen } from '../features/suppressions/suppressions-screen';
import { AppBanners } from './app-banners';
import { MainNav } from './main-nav';
import { useRoute } from './navigation';

export function App() {
  const route = useRoute();
  return (
    <div className="app">
      <AppBanners />
      <MainNav route={route} />
      <main>
        {route.name === 'campaigns' && <CampaignsList />}
        {route.name === 'campaign' && <CampaignView key={route.id} id={route.id} tab={route.tab} />}
        {route.name === 'accounts' && <AccountsScreen />}
        {route.name === 'suppressions' && <SuppressionsScreen />}
        {route.name === 'settings' && <SettingsScreen />}
        {route.name === 'outbox' && <OutboxScreen messageId={route.messageId} />}
        {route.name === 'activity' && <ActivityScreen />}
      </main>
    </div>
  );
}
