// The browser's time zone as an IANA id ("Europe/Paris"), for PeopleTimeProvider: the console writes times in it.
export function timeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
        return null;
    }
}
