// @vitest-environment happy-dom
// The Settings screen over a real engine: the feedback thresholds are shown, saved as typed, and a
// value out of bounds shows the engine's sentence and changes nothing.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { DataProvider } from '../../renderer/src/data/data-provider';
import { SettingsScreen } from '../../renderer/src/features/settings/settings-screen';
import { engineClient } from '../helpers/engine-client';
import { type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
beforeAll(async () => {
  h = await startEngine({ clock: systemClock });
});
afterAll(() => h?.close());
afterEach(cleanup);

const field = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement;

describe('Settings: feedback', () => {
  it('saves the soft-bounce limit and the breaker rates, and refuses a rate out of bounds', async () => {
    render(
      <DataProvider client={engineClient(h)}>
        <SettingsScreen />
      </DataProvider>,
    );
    await screen.findByRole('heading', { name: 'Feedback' }, { timeout: 5000 });
    // The headless harness runs without the one-click endpoint: Settings says how to turn it on.
    expect((await screen.findByTestId('one-click', {}, { timeout: 5000 })).textContent).toMatch(
      /Off\. Start the server with --unsubscribe-url/,
    );
    expect(field(/many soft bounces/).value).toBe('3');
    expect(field(/hard bounces pass/).value).toBe('5');
    expect(field(/spam complaints pass/).value).toBe('0.3');
    expect(field(/many sent messages/).value).toBe('50');

    fireEvent.change(field(/many soft bounces/), { target: { value: '2' } });
    fireEvent.change(field(/hard bounces pass/), { target: { value: '7.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save feedback settings' }));
    await waitFor(async () =>
      expect((await h.call('settings.get', {})).feedback).toEqual({
        softBounceLimit: 2,
        bounceRatePercent: 7.5,
        complaintRatePercent: 0.3,
        minSent: 50,
      }),
    );
    await screen.findByText('Saved.');

    fireEvent.change(field(/spam complaints pass/), { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save feedback settings' }));
    await screen.findByText(/0\.05% to 5%/, {}, { timeout: 5000 });
    expect((await h.call('settings.get', {})).feedback.complaintRatePercent).toBe(0.3);
  });
});
