export type { AuthService, AuthServiceOptions, CredentialSource, IssuedToken, Principal } from './auth-service.js';
export { createAuthService } from './create-auth-service.js';
export { type Credentials, credentialsPath, readCredentials, writeCredentials } from './credentials.js';
export { isPermission, PERMISSIONS, type Permission, rolesCan } from './permissions.js';
