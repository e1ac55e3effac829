import { useState, type FormEvent } from 'react';
import { readApiKey, saveApiKey } from '@/lib/api-key';

/** Asks for a viewer API key when the server refused a request; reloads with it. */
export function ApiKeyForm() {
  const [key, setKey] = useState('');
  const refused = readApiKey() !== null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    saveApiKey(key);
    window.location.reload();
  };

  return (
    <form onSubmit={submit} className="mx-auto mt-8 flex max-w-md flex-col gap-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-bold">API key required</h1>
      <p className="text-sm text-slate-700">
        {refused
          ? 'The server refused the stored key. Enter a valid viewer key.'
          : 'This tutorscore server needs a viewer API key. It is kept in this browser.'}
      </p>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Viewer key
        <input
          type="password"
          required
          autoFocus
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          className="field"
        />
      </label>
      <button type="submit" className="btn self-start">
        Save and reload
      </button>
    </form>
  );
}
