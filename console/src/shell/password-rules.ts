/** The server's rule too (ConsolePasswordTooShort); checked in the browser only to say so sooner. */
export const MIN_PASSWORD_LENGTH = 12;
