// Keeps a newsletter's sending page up to date: while messages are waiting, it asks the server for the numbers
// every two seconds and writes them in place. Without JavaScript the page still shows the numbers as they were
// when it loaded, with a Refresh link.
const POLL_MILLISECONDS = 2000;
// Screen readers hear how it is going at most this often, and once when it finishes, not at every poll.
const ANNOUNCE_MILLISECONDS = 10000;
const NUMBERS = ["sent", "pending", "failed", "total"];

function readNumbers(panel) {
  const numbers = {};
  for (const name of NUMBERS) {
    numbers[name] = Number(panel.querySelector(`[data-progress="${name}"]`).textContent);
  }
  return numbers;
}

function showNumbers(panel, numbers) {
  for (const name of NUMBERS) {
    panel.querySelector(`[data-progress="${name}"]`).textContent = String(numbers[name]);
  }
}

function describe(numbers) {
  if (numbers.pending > 0) {
    return `Still sending: ${numbers.sent} of ${numbers.total} sent.`;
  }
  const failed = numbers.failed ? `, ${numbers.failed} failed` : "";
  return `Sending has finished: ${numbers.sent} of ${numbers.total} sent${failed}. Refresh the page to see each recipient.`;
}

function follow(panel) {
  const status = panel.querySelector("[data-progress-status]");
  let announcedAt = Date.now();

  async function poll() {
    let numbers;
    try {
      const response = await fetch(panel.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok || response.redirected) {
        return; // signed out, or the issue went away: the Refresh link still works
      }
      numbers = await response.json();
    } catch {
      window.setTimeout(poll, POLL_MILLISECONDS * 5); // the network dropped: try again a little later
      return;
    }
    showNumbers(panel, numbers);
    const finished = numbers.pending === 0;
    if (finished || Date.now() - announcedAt >= ANNOUNCE_MILLISECONDS) {
      status.textContent = describe(numbers);
      announcedAt = Date.now();
    }
    if (!finished) {
      window.setTimeout(poll, POLL_MILLISECONDS);
    }
  }

  if (readNumbers(panel).pending > 0) {
    window.setTimeout(poll, POLL_MILLISECONDS);
  }
}

const panel = document.querySelector("[data-progress-url]");
if (panel) {
  follow(panel);
}
