/* main-loop.h (fake) - the BQL (the test checks when it is held) and SIG_IPI. */
#ifndef GLUE_FAKE_MAIN_LOOP_H
#define GLUE_FAKE_MAIN_LOOP_H
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
#define SIG_IPI SIGUSR1
#endif
