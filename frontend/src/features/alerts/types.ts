// What the alerts pages need to know about the caller and the people, handed in by the app.

/** The caller, as far as alerts are concerned. */
export interface Viewer {
  /** May act on alerts (coaches and admins; keys with admin; the open server). */
  canTriage: boolean;
  /** The signed-in person's id ("mine"), null for a key or the open server. */
  userId: string | null;
}

export interface Assignee {
  id: string;
  name: string;
}
