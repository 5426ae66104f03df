/** What a page the role may not open shows instead: no data, a plain explanation. */
import { useTranslation } from 'react-i18next';

/**
 * The no-access page. `wallboardOnly`: the screen is signed in with a wallboard token, which
 * opens the wallboard and nothing else (no navigation, only a link back to the wallboard).
 */
export function NoAccessPage({
  wallboardOnly,
  onWallboard,
}: {
  wallboardOnly: boolean;
  onWallboard?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <main className="no-access" data-testid="no-access">
      <h1>{t('noAccess.title')}</h1>
      <p>{wallboardOnly ? t('noAccess.wallboardOnly') : t('noAccess.body')}</p>
      {onWallboard !== undefined ? (
        <a
          className="btn"
          href="/wallboard"
          onClick={(e) => {
            e.preventDefault();
            onWallboard();
          }}
        >
          {t('noAccess.toWallboard')}
        </a>
      ) : null}
    </main>
  );
}
