/** The person's own account: who is signed in, in which role, and the password change. */
import { useTranslation } from 'react-i18next';
import type { Me } from '../model/auth.js';
import { PasswordForm } from './auth-pages.js';

/** The account page. */
export function AccountPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <main className="account" data-testid="account-page">
      <section className="panel account__panel">
        <h2 className="panel__title">{t('nav.account')}</h2>
        <dl className="facts">
          <dt>{t('people.name')}</dt>
          <dd>{me.name}</dd>
          <dt>{t('auth.id')}</dt>
          <dd>
            <code>{me.user?.id ?? '—'}</code>
          </dd>
          <dt>{t('people.role')}</dt>
          <dd>{t(`roles.${me.role}`, { defaultValue: me.role })}</dd>
        </dl>
      </section>
      <section className="panel account__panel">
        <h2 className="panel__title">{t('password.title')}</h2>
        <PasswordForm forced={false} onDone={() => undefined} />
      </section>
    </main>
  );
}
