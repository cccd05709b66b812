// PLACEHOLDER (helper B replaces this file)
export {};
