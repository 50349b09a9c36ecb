"""业务知识测试 — competency quizzes: question bank, papers, exams, scores, results, awards, practice."""
