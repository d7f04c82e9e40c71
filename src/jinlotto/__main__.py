from jinlotto.cli import main

main()
