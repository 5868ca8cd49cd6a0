// The end-user feedback page: the server writes each day in UTC ("27 Nov 2026 UTC"); here each
// <time data-day datetime="…Z"> becomes the day in the reader's own time zone ("27 Nov 2026"), in the same pattern.
// Without script the labelled UTC day stays, which is still true.
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
for (const time of document.querySelectorAll("time[data-day]")) {
    const at = new Date(time.dateTime);
    if (!Number.isNaN(at.getTime())) {
        time.textContent = `${at.getDate()} ${months[at.getMonth()]} ${at.getFullYear()}`;
    }
}
