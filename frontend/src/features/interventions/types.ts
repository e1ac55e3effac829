// What the intervention pages need to know about the caller, handed in by the app.

export interface Viewer {
  /** May plan, complete and cancel (coaches and admins; admin keys; the open server). */
  canTriage: boolean;
  /** May assess anyone's intervention (admins), not only their own. */
  canAdminister: boolean;
  /** The signed-in person's id ("mine", the default owner), null for a key or the open server. */
  userId: string | null;
}

/** Whether the viewer may give their own verdict on a done intervention: its owner, or an admin. */
export function mayAssess(viewer: Viewer, intervention: { status: string; ownerId: string }): boolean {
  if (!viewer.canTriage || intervention.status !== 'DONE') return false;
  return viewer.canAdminister || (viewer.userId !== null && viewer.userId === intervention.ownerId);
}
