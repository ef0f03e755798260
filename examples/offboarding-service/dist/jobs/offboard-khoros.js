"use strict";
// Build output of src/jobs/offboard-khoros.ts (tsc). Ignored through .gitignore:
// apimigrate must not report anything in this file.
Object.defineProperty(exports, "__esModule", { value: true });
exports.offboardKhoros = void 0;
const axios_1 = require("axios");
const config_1 = require("../config");
function sessionHeaders() {
    return { 'li-api-session-key': config_1.config.khoros.sessionKey };
}
async function findUser(email) {
    const liql = `SELECT id, login, email FROM users WHERE email = '${email.replace(/'/g, "\\'")}'`;
    const { data } = await axios_1.default.get(`${config_1.config.khoros.communityUrl}/api/2.0/search`, {
        params: { q: liql },
        headers: sessionHeaders(),
    });
    return data.data.items[0];
}
async function closeAccount(user) {
    await axios_1.default.delete(`${config_1.config.khoros.communityUrl}/api/2.0/users/${user.id}`, { headers: sessionHeaders() });
}
async function offboardKhoros(email) {
    const user = await findUser(email);
    if (!user)
        return 'not-found';
    await closeAccount(user);
    return 'ok';
}
exports.offboardKhoros = offboardKhoros;
