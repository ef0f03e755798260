// Browser admin page: no imports.
async function removeLearner(email) {
  await fetch('https://acme.360learning.com/api/v1/users/' + email + '?company=' + COMPANY + '&apiKey=' + API_KEY, { method: 'DELETE' });
}
async function removeLearner2(email) {
  await fetch(`https://acme.360learning.com/api/v1/users/${email}?company=acme&apiKey=${API_KEY}&notify=true`, { method: 'DELETE' });
}
