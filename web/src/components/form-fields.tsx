/**
 * Small form pieces shared by the sign-in pages, the admin page, the audit page and the settings
 * panel: a labelled input, a password input, a new password with its confirmation, an error line,
 * a status line and a modal form. They keep the class names (`field`, `form-error`, `auth-error`,
 * `auth-ok`, `modal`) and test ids the styles and e2e tests use.
 */
import type { FormEvent, InputHTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Props of {@link TextField}: the input's own attributes, minus `value`/`onChange`. */
export interface TextFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange'
> {
  /** The visible label (already translated). */
  readonly label: ReactNode;
  readonly value: string;
  /** Called with the new text on every change. */
  readonly onValue: (value: string) => void;
  /** A help line under the input (`<small>`), if any. */
  readonly help?: ReactNode;
}

/** A labelled text input: `<label class="field"><span>label</span><input/><small/></label>`. */
export function TextField({ label, value, onValue, help, ...input }: TextFieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} />
      {help !== undefined ? <small>{help}</small> : null}
    </label>
  );
}

/**
 * A labelled password input ({@link TextField} with `type="password"`); `autoComplete` says
 * which password it is (`current-password`, `new-password`).
 */
export function PasswordField(
  props: Omit<TextFieldProps, 'type'> & { readonly autoComplete: string },
) {
  return <TextField {...props} type="password" />;
}

/** Props of {@link FormError}. */
export interface FormErrorProps {
  /** The message (already translated); nothing is shown when null. */
  readonly error: string | null;
  /** `form-error` (panels, default) or `auth-error` (sign-in pages and dialogs). */
  readonly className?: 'form-error' | 'auth-error';
  /** Announce the message (`role="alert"`). */
  readonly alert?: boolean;
  readonly testId?: string;
}

/** The error line of a form, or nothing when there is no error. */
export function FormError({
  error,
  className = 'form-error',
  alert = false,
  testId,
}: FormErrorProps) {
  if (error === null) return null;
  return (
    <p className={className} role={alert ? 'alert' : undefined} data-testid={testId}>
      {error}
    </p>
  );
}

/** A success line (`auth-ok`, `role="status"`), or nothing when `message` is null. */
export function StatusLine({ message }: { readonly message: string | null }) {
  if (message === null) return null;
  return (
    <p className="auth-ok" role="status">
      {message}
    </p>
  );
}

/** Props of {@link NewPasswordFields}. */
export interface NewPasswordFieldsProps {
  /** `name` of the new-password input (the confirmation is always `confirm`). */
  readonly name: string;
  readonly password: string;
  readonly onPassword: (value: string) => void;
  readonly confirm: string;
  readonly onConfirm: (value: string) => void;
  /** Minimum length of a password, in characters (shown in the help line). */
  readonly minLength: number;
}

/** A new password and its confirmation (the first-admin page and the password form). */
export function NewPasswordFields(props: NewPasswordFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordField
        label={t('password.next')}
        name={props.name}
        autoComplete="new-password"
        required
        value={props.password}
        onValue={props.onPassword}
        help={t('password.rule', { count: props.minLength })}
      />
      <PasswordField
        label={t('password.confirm')}
        name="confirm"
        autoComplete="new-password"
        required
        value={props.confirm}
        onValue={props.onConfirm}
      />
    </>
  );
}

/** Props of {@link ModalForm}. */
export interface ModalFormProps {
  /** Id of the dialog's heading (`aria-labelledby`), rendered by the children. */
  readonly titleId: string;
  /** Called on a click on the backdrop. */
  readonly onClose: () => void;
  readonly onSubmit: (event: FormEvent) => void;
  readonly testId?: string;
  readonly children: ReactNode;
}

/** A modal dialog that is a form (`modal-backdrop` > `form.modal[role=dialog]`). */
export function ModalForm({ titleId, onClose, onSubmit, testId, children }: ModalFormProps) {
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onClick={(e) => e.stopPropagation()}
        onSubmit={onSubmit}
        data-testid={testId}
      >
        {children}
      </form>
    </div>
  );
}
